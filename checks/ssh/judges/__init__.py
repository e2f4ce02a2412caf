"""The sshd configuration checks, by theme: who may log in, what a session may do, cryptography."""

from auditor.checks.ssh.algorithms import validate_ssh_algorithms
from auditor.checks.ssh.collector import SshdCollector
from auditor.checks.ssh.judges import crypto, login, session

CHECKS = (
    login.PermitRootLogin, login.PasswordAuthentication, login.KbdInteractiveAuthentication,
    login.PermitEmptyPasswords, login.HostbasedAuthentication, login.IgnoreRhosts,
    session.PermitUserEnvironment, session.X11Forwarding, session.PermitTunnel, session.GatewayPorts,
    session.StrictModes, session.LogLevel, session.TcpForwarding, session.AgentForwarding,
    login.MaxAuthTries, login.LoginGraceTime, session.ClientAlive, session.Banner, login.AllowUsersGroups,
    crypto.Ciphers, crypto.Macs, crypto.KexAlgorithms, crypto.HostKeyAlgorithms, crypto.HostKeyPermissions,
)
COLLECTORS = (SshdCollector(),)
POLICIES = {"ssh-algorithms": validate_ssh_algorithms}
