"""Proposals, contributions, comments and partners.

One module per page family; solutions/urls.py imports the modules.
"""
