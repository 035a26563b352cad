"""Grounded answers: extractive (default, offline) or through an OpenAI-compatible LLM."""
