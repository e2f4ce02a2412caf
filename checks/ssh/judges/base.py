"""What every sshd configuration check shares: one setting, judged in each context of the ``sshd`` facts.

Each check reads one setting in the global context and in every Match context the profile
asks about (``collectors: sshd: match_contexts``). A Match context is reported only where its
value differs from the global one, so a single bad global setting is a single finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from auditor.check import Check, CheckContext, FactSet, Scope, read_options
from auditor.checks.ssh.facts import SshdContext, SshdFacts
from auditor.models import Finding

if TYPE_CHECKING:
    from auditor.config.yamlfile import MapReader

TAGS = ("ssh", "sshd-config")
# sshd -T prints PermitRootLogin's "prohibit-password" under its older name.
_ALIASES = {"without-password": "prohibit-password"}
YES_NO = ("yes", "no")


def normal(value: str) -> str:
    """A setting's value as compared: lowercase, without spaces, older names replaced."""
    lowered = value.strip().lower()
    return _ALIASES.get(lowered, lowered)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a setting: a sentence and the value expected instead."""

    message: str
    expected: str


class SettingCheck(Check):
    """Base of the sshd configuration checks: one setting, judged per context."""

    facts = (SshdFacts,)
    scope = Scope.HOST
    tags = TAGS
    keyword: ClassVar[str]  # as sshd -T prints it (lowercase)
    setting: ClassVar[str]  # as written in sshd_config, for messages and resources

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings for the global context and for Match contexts that differ from it."""
        sshd = facts.get(SshdFacts)
        ctx.details["source"] = sshd.source
        first = sshd.global_context
        findings = self.findings_for(first, "sshd", sshd, ctx)
        for context in sshd.contexts[1:]:
            if self.observed(context) != self.observed(first):
                findings += self.findings_for(context, f"sshd[{context.label}]", sshd, ctx)
        return findings

    def observed(self, context: SshdContext) -> str:
        """The setting's value as shown in evidence."""
        return context.value(self.keyword)

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        """What is wrong in one context, or None."""
        raise NotImplementedError

    def findings_for(self, context: SshdContext, prefix: str, sshd: SshdFacts, ctx: CheckContext) -> list[Finding]:
        """The finding (at most one) for one context; algorithm checks return several."""
        problem = self.problem(context, sshd, ctx.options)
        if problem is None:
            return []
        evidence = {
            "expected": problem.expected,
            "observed": self.observed(context) or "(not set)",
            "context": context.label,
            "source": sshd.source,
        }
        if self.keyword in context.defaulted:
            evidence["observed"] += " (built-in default)"
        return [ctx.finding(f"{prefix}:{self.setting}", problem.message, evidence=evidence)]


class AllowedValue(SettingCheck):
    """Base: the setting must take one of the values in the ``allowed`` option.

    ``choices`` are the values sshd accepts for the setting: the profile's ``allowed`` list is
    checked against them when it loads, so a typo cannot fail every host. An empty ``choices``
    means sshd accepts free-form values (a pattern list).
    """

    why: ClassVar[str]
    choices: ClassVar[tuple[str, ...]] = YES_NO

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``allowed``: a non-empty list of values sshd accepts for the setting."""
        values = read_options(reader, cls.options)
        if not values["allowed"]:
            reader.fail("allowed", "needs at least one value")
        for value in values["allowed"]:
            if cls.choices and normal(value) not in cls.choices:
                reader.fail("allowed", f"'{value}' is not a {cls.setting} value (one of: {', '.join(cls.choices)})")
        return values

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        value = normal(context.value(self.keyword))
        allowed = [normal(item) for item in options["allowed"]]
        if value in allowed:
            return None
        return Problem(f"{self.setting} is '{value}': {self.why}", " or ".join(allowed))


def read_limits(reader: MapReader, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Options that are all upper limits: numbers of at least 1 (0 would mean unlimited to sshd)."""
    reader.reject_unknown(frozenset(defaults))
    return {key: reader.number(key, default, minimum=1) for key, default in defaults.items()}


class AtMost(SettingCheck):
    """Base: a number of at most ``max``; 0 means unlimited where ``zero_is_unlimited``."""

    zero_is_unlimited: ClassVar[bool] = False
    unit: ClassVar[str] = ""

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``max``: a number of at least 1."""
        return read_limits(reader, cls.options)

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        raw = self.observed(context)
        limit = options["max"]
        expected = f"1-{limit:g}{self.unit}"
        try:
            value = float(raw)
        except ValueError:
            return Problem(f"{self.setting} is '{raw}', not a number", expected)
        if value == 0 and self.zero_is_unlimited:
            return Problem(f"{self.setting} is 0: unlimited", expected)
        if value > limit:
            return Problem(f"{self.setting} is {value:g}{self.unit}, above {limit:g}{self.unit}", expected)
        return None
