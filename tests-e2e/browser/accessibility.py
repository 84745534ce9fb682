"""What the browser tests check of a screen's accessibility: axe-core (npm, installed by
`make deps` into tools/axe) run in the page, and what it finds at the impacts that stop
someone using the screen (serious, critical) reported rule by rule with the elements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).parents[2] / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, and axe's best practices (landmarks, one main heading, ...).
STANDARDS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}

requires_axe = pytest.mark.skipif(
    not AXE.is_file(), reason=f"{AXE} is missing: `make deps` installs axe-core with npm"
)


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, every impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Through the DevTools protocol, as the test's own code: the page's Content Security
        # Policy (script-src 'self') rightly refuses an injected <script>.
        page.evaluate("() => {\n" + AXE.read_text() + "\n}")
    found: list[dict[str, Any]] = page.evaluate(
        """async (standards) => {
            const results = await axe.run(document, {
                runOnly: { type: "tag", values: standards },
                resultTypes: ["violations"],
            });
            return results.violations.map((rule) => ({
                id: rule.id,
                impact: rule.impact,
                help: rule.help,
                nodes: rule.nodes.map((node) => ({
                    target: node.target.join(" "),
                    html: node.html.slice(0, 1200),
                    summary: node.failureSummary,
                })),
            }));
        }""",
        STANDARDS,
    )
    return found


def assert_accessible(page: Page, screen: str) -> None:
    """No serious or critical axe-core violation on ``screen`` as ``page`` shows it now."""
    page.wait_for_timeout(300)  # entrance transitions (axe reads colours as they are drawn)
    blocking = [rule for rule in violations(page) if rule["impact"] in BLOCKING]
    assert not blocking, f"{screen}: axe-core finds\n" + "\n".join(
        f"- {rule['impact']} {rule['id']}: {rule['help']}\n"
        + "\n".join(f"    {node['target']}: {node['summary']}" for node in rule["nodes"][:8])
        for rule in blocking
    )
