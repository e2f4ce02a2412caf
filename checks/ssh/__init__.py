"""SSH daemon configuration: `sshd -T` (or the parsed files) per Match context, judged setting by setting."""

from auditor.checks.ssh.judges import CHECKS, COLLECTORS, POLICIES

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
