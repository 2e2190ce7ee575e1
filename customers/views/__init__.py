"""The customer workspace: overview, canvas, goals & problems, processes, people, strategy.

One module per page family; customers/urls.py imports the modules.
"""
