"""The building's own words in English and Chinese. Exhibits keep their strings beside them."""

from __future__ import annotations

import os

LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    "museum": {"en": "Museum of Neural Networks", "zh": "神经网络博物馆"},
    "tagline": {
        "en": "1943–2025 · every exhibit trains a real model, live, in this terminal",
        "zh": "1943–2025 · 每件展品都在这个终端里实时训练一个真实的模型",
    },
    "lobby_hint": {
        "en": "Choose a room with ↑ ↓ and press enter.",
        "zh": "用 ↑ ↓ 选择展厅，按回车进入。",
    },
    "rooms_to_come": {
        "en": "Rooms in preparation: {rooms}",
        "zh": "筹备中的展厅：{rooms}",
    },
    "exhibits_count": {"en": "{n} exhibits", "zh": "{n} 件展品"},
    "exhibits_count_one": {"en": "1 exhibit", "zh": "1 件展品"},
    "visited_count": {"en": "{visited} visited · {solved} reproduced", "zh": "已参观 {visited} · 已复现 {solved}"},
    "room_hint": {
        "en": "↑ ↓ choose · enter open · ← → other rooms · escape lobby",
        "zh": "↑ ↓ 选择 · 回车打开 · ← → 其他展厅 · esc 返回大厅",
    },
    "mark_solved": {"en": "✓ reproduced", "zh": "✓ 已复现"},
    "mark_visited": {"en": "• visited", "zh": "• 已参观"},
    # exhibit
    "claim": {"en": "Claim", "zh": "论断"},
    "claim_met": {"en": "✓ reproduced at step {step}", "zh": "✓ 第 {step} 步复现"},
    "claim_met_now": {"en": "✓ reproduced (checked by enumeration)", "zh": "✓ 已复现（逐一验证）"},
    "claim_pending": {"en": "… not yet in this run", "zh": "… 本次运行尚未复现"},
    "state_running": {"en": "▶ running", "zh": "▶ 运行中"},
    "state_paused": {"en": "‖ paused", "zh": "‖ 已暂停"},
    "state_done": {"en": "■ finished", "zh": "■ 已完成"},
    "state_diverged": {"en": "✗ diverged: press r to reset", "zh": "✗ 发散了：按 r 重置"},
    "state_failed": {"en": "✗ the lab stopped: {error}", "zh": "✗ 实验停止：{error}"},
    "state_starting": {"en": "… starting the lab", "zh": "… 正在启动实验"},
    "step": {"en": "step", "zh": "步"},
    "speed": {"en": "speed", "zh": "速度"},
    "per_second": {"en": "{n}/s", "zh": "{n}/秒"},
    "flat_out": {"en": "max", "zh": "全速"},
    "seed": {"en": "seed", "zh": "种子"},
    "lab_said": {"en": "note: {error}", "zh": "提示：{error}"},
    "too_small": {
        "en": "The terminal is {w}×{h}.\nThe museum needs at least {mw}×{mh}.\nEnlarge the window, or press q to quit.",
        "zh": "终端大小为 {w}×{h}。\n博物馆至少需要 {mw}×{mh}。\n请放大窗口，或按 q 退出。",
    },
    "source_title": {"en": "Source of this lab: {path}", "zh": "本实验的源代码：{path}"},
    "help_title": {"en": "Keys", "zh": "按键"},
    "help_local": {"en": "This exhibit", "zh": "本展品"},
    "help_close": {"en": "escape or ? to close", "zh": "按 esc 或 ? 关闭"},
    "state_reset_aside": {
        "en": "Your saved progress could not be read ({why}); it was kept as {path}.",
        "zh": "无法读取已保存的进度（{why}），已另存为 {path}。",
    },
    "palette_open": {"en": "Open exhibit", "zh": "打开展品"},
    "palette_room": {"en": "Go to room", "zh": "前往展厅"},
    "palette_search": {"en": "Search exhibits, rooms, years…", "zh": "搜索展品、展厅、年份…"},
    "cmd_theme": {"en": "Theme", "zh": "配色主题"},
    "cmd_theme_help": {"en": "Change the museum's colours", "zh": "更换博物馆的配色"},
    "cmd_quit": {"en": "Quit", "zh": "退出"},
    "cmd_quit_help": {"en": "Leave the museum; its labs stop", "zh": "离开博物馆，实验随之停止"},
    # bindings (the Footer shows these)
    "b_quit": {"en": "Quit", "zh": "退出"},
    "b_help": {"en": "Help", "zh": "帮助"},
    "b_lang": {"en": "中文", "zh": "English"},
    "b_open": {"en": "Open", "zh": "打开"},
    "b_back": {"en": "Back", "zh": "返回"},
    "b_prev": {"en": "Prev", "zh": "上一个"},
    "b_next": {"en": "Next", "zh": "下一个"},
    "b_run": {"en": "Run/pause", "zh": "运行/暂停"},
    "b_step": {"en": "Step", "zh": "单步"},
    "b_reset": {"en": "Reset", "zh": "重置"},
    "b_seed": {"en": "New seed", "zh": "换种子"},
    "b_faster": {"en": "Faster", "zh": "加速"},
    "b_slower": {"en": "Slower", "zh": "减速"},
    "b_source": {"en": "Source", "zh": "源码"},
    "b_palette": {"en": "Find", "zh": "查找"},
    "b_close": {"en": "Close", "zh": "关闭"},
    # the key table of the help screen
    "k_arrows": {"en": "previous / next exhibit (rooms in the lobby)", "zh": "上一个 / 下一个展品（大厅里为展厅）"},
    "k_enter": {"en": "open / back (escape also leaves a text box)", "zh": "打开 / 返回（esc 也可离开输入框）"},
    "k_space": {"en": "run / pause the lab", "zh": "运行 / 暂停实验"},
    "k_n": {"en": "one step (pauses first)", "zh": "单步（先暂停）"},
    "k_r": {"en": "reset / reset with a new seed", "zh": "重置 / 换一个随机种子重置"},
    "k_speed": {"en": "speed: from watchable to flat out", "zh": "速度：从可看清到全速"},
    "k_tab": {"en": "focus the exhibit's own controls", "zh": "聚焦到展品自己的控件"},
    "k_cl": {"en": "the lab's source / this help / English⇄中文", "zh": "实验源码 / 本帮助 / English⇄中文"},
    "k_palette": {"en": "command palette: any exhibit by title, year or slug", "zh": "命令面板：按标题、年份或代号查找展品"},
    "k_quit": {"en": "quit", "zh": "退出"},
}


def t(key: str, lang: str, **values) -> str:
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def default_lang(environ: dict | None = None) -> str:
    """zh when the locale says so (LC_ALL, then LC_MESSAGES, then LANG), else en."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def pick(text: dict, lang: str) -> str:
    """An exhibit's {'en': …, 'zh': …} string in the visitor's language."""
    return text.get(lang) or text.get("en", "")
