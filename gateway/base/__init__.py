"""The base every layer may import: settings, the Cypher choke point and the errors.

``settings`` reads the environment once; ``db`` is the only module that talks to the
Neo4j driver (``breaker`` guards it during an outage); ``errors`` holds the stable
``extensions.code`` of every refusal. Nothing here imports resolvers, loaders,
procedures or the HTTP shell (tests/unit/test_layers.py).
"""
