"""Strategy pages of the customer workspace: whitespace and divisions, SWOT and PESTLE.

One module per page family; strategy/urls.py imports the modules.
"""
