"""What index time learns from the articles, in the order it is learned:

- chunking.py    a Document's blocks -> section-aligned chunks within the model's budget
- units.py       quotable units of each chunk: sentences, list items, table rows, steps
- salaries.py    salary facts from tables, lists and sentences
- vocabulary.py  the roles, tools and topics the articles name
- flags.py       passages that read as instructions to a model, screened out
"""
