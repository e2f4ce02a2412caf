"""Built-in check modules. Each module exposes ``CHECKS`` and ``COLLECTORS``; list it here."""

MODULES = ()
