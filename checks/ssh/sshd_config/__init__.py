"""A parser of ``sshd_config`` with sshd's own semantics (Include, Match, first value wins, defaults).

Used where ``sshd -T`` cannot run; differential tests keep it in step with the real daemon.
"""
