"""Index versions on disk: the FAISS vectors and metadata of one build, and the builder.

- store.py  an IndexVersion: load, save, CURRENT switched atomically, one writer at a time
- build.py  build_index: embed only new and changed articles, copy the rest over
"""
