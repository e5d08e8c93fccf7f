"""The control line (state, step, speed, seed) and the claim line (✓ when reproduced)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from museum.i18n import t
from museum.lab.api import DIVERGED, DONE, FAILED, PAUSED, RUNNING, Update

_STATE_STYLE = {RUNNING: "bold green", PAUSED: "bold yellow", DONE: "bold cyan",
                DIVERGED: "bold red", FAILED: "bold red"}


def speed_label(speed: float, lang: str) -> str:
    if speed <= 0:
        return t("flat_out", lang)
    return t("per_second", lang, n=f"{speed:g}")


def control_text(update: Update | None, lang: str, trains: bool = True) -> Text:
    if update is None:
        return Text(t("state_starting", lang), "dim")
    state_key = f"state_{update.state}"
    if update.state == FAILED:
        label = t(state_key, lang, error=update.error or "?")
    else:
        label = t(state_key, lang)
    # a failure's message (e.g. how to regenerate a data file) wraps rather than being cut off
    text = Text(no_wrap=update.state != FAILED, overflow="ellipsis")
    text.append(label, _STATE_STYLE.get(update.state, "dim"))
    if update.state == FAILED:
        return text
    text.append(f"  {t('step', lang)} {update.step:,}")
    if trains:
        text.append(f"  {t('speed', lang)} {speed_label(update.speed, lang)}")
    text.append(f"  {t('seed', lang)} {update.seed}")
    if update.error and update.state not in (DIVERGED, FAILED):
        text.append("  " + t("lab_said", lang, error=update.error), "italic yellow")
    return text


def claim_text(claim: str, update: Update | None, lang: str, trains: bool = True) -> Text:
    text = Text()
    text.append(f"{t('claim', lang)}: ", "bold")
    text.append(claim)
    text.append("  ")
    if update is not None and update.claim_met:
        if trains:
            text.append(t("claim_met", lang, step=f"{update.claim_step:,}"), "bold green")
        else:
            text.append(t("claim_met_now", lang), "bold green")
    else:
        text.append(t("claim_pending", lang), "dim")
    return text


class ControlLine(Static):
    DEFAULT_CSS = "ControlLine { height: 1; }"


class ClaimLine(Static):
    DEFAULT_CSS = "ClaimLine { height: auto; }"
