"""The presentation toolkit the features build their pages and commands with.

It sits between the features and the engine (``pyproject.toml``'s layer contract): a feature's
``views``/``api``/``cli`` import it, it imports only the ground (core, config, db). What it needs
from a feature (who the signed-in user is, the dataset record) is handed to it by the app at
start-up (:mod:`gaodi.ui.web.providers`), never imported.
"""
