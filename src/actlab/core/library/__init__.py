"""One module per activation; each calls :func:`actlab.core.registry.register` once.

Modules here are discovered automatically (see ``registry._load``); no list of names is kept anywhere.
"""
