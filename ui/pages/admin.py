"""Admin: users (add, change role, move team, reset password, deactivate) and teams.

Every action goes through ``coach.services.accounts``, which refuses anyone but an admin
on the server, whatever this page shows; the tab itself is only shown to admins. The
password policy, argon2 hashing and the last-admin rule live in that service too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.accounts import Role
from coach.errors import CoachError, NotFoundError, PermissionDenied
from coach.services import accounts
from coach.services.accounts import TeamRecord
from coach.services.records import UserRecord
from ui import render
from ui.context import Context, actor

ROLES = tuple(role.value for role in Role)
BUTTON: dict[str, Any] = {"scale": 0, "min_width": 180, "size": "md"}
"""Buttons sit in their own row under the fields they act on, at their natural size."""
NO_TEAM = " "
"""The "no team" choice: a team name is trimmed, so no team is ever called this."""


@dataclass
class AdminPage:
    """The admin page's components."""

    users: gr.HTML
    new_username: gr.Textbox
    new_name: gr.Textbox
    new_role: gr.Dropdown
    new_team: gr.Dropdown
    new_language: gr.Radio
    new_password: gr.Textbox
    add: gr.Button
    add_notice: gr.HTML
    user: gr.Dropdown
    role: gr.Dropdown
    change_role: gr.Button
    team: gr.Dropdown
    move: gr.Button
    password: gr.Textbox
    set_password: gr.Button
    generate: gr.Button
    deactivate: gr.Button
    reactivate: gr.Button
    notice: gr.HTML
    teams: gr.HTML
    team_name: gr.Textbox
    add_team: gr.Button
    rename_from: gr.Dropdown
    rename_to: gr.Textbox
    rename: gr.Button
    team_notice: gr.HTML


def build(ctx: Context) -> AdminPage:
    """Lay out the users table and forms, then the teams table and forms."""
    t = ctx.t
    roles = [(t("role." + r), r) for r in ROLES]
    gr.Markdown(f"### {t('admin.users')}")
    users = gr.HTML(f'<p class="muted">{render.e(t("admin.no_users"))}</p>', elem_id="admin-users")
    gr.Markdown(f"#### {t('admin.add_user')}")
    with gr.Row():
        new_username = gr.Textbox(label=t("admin.username"), elem_id="admin-new-username", scale=2)
        new_name = gr.Textbox(label=t("admin.display_name"), elem_id="admin-new-name", scale=2)
        new_role = gr.Dropdown(choices=roles, value="rep", label=t("admin.role"), elem_id="admin-new-role", scale=1)
        new_team = gr.Dropdown(choices=[], label=t("admin.team"), elem_id="admin-new-team", scale=2)
    with gr.Row():
        new_language = gr.Radio(
            choices=[(t("lang.en"), "en"), (t("lang.zh"), "zh")],
            value=ctx.language,
            label=t("admin.language"),
            elem_id="admin-new-language",
            scale=2,
        )
        new_password = gr.Textbox(
            label=t("admin.initial_password"), type="password", elem_id="admin-new-password", scale=3
        )
    with gr.Row():
        add = gr.Button(t("admin.add"), variant="primary", elem_id="admin-add", **BUTTON)
    gr.Markdown(f'<p class="muted small">{render.e(t("admin.password_help"))}</p>')
    add_notice = gr.HTML("", elem_id="admin-add-notice")
    gr.Markdown(f"#### {t('admin.change_user')}")
    with gr.Row():
        user = gr.Dropdown(choices=[], label=t("admin.user"), elem_id="admin-user", scale=3)
        role = gr.Dropdown(choices=roles, value=None, label=t("admin.new_role"), elem_id="admin-role", scale=2)
        team = gr.Dropdown(choices=[], label=t("admin.new_team"), elem_id="admin-team", scale=2)
        password = gr.Textbox(label=t("admin.new_password"), type="password", elem_id="admin-password", scale=3)
    with gr.Row():
        change_role = gr.Button(t("admin.change_role"), elem_id="admin-change-role", **BUTTON)
        move = gr.Button(t("admin.move"), elem_id="admin-move", **BUTTON)
        set_password = gr.Button(t("admin.set_password"), elem_id="admin-set-password", **BUTTON)
        generate = gr.Button(t("admin.generate"), elem_id="admin-generate", **BUTTON)
        reactivate = gr.Button(t("admin.reactivate"), elem_id="admin-reactivate", **BUTTON)
        deactivate = gr.Button(t("admin.deactivate"), variant="stop", elem_id="admin-deactivate", **BUTTON)
    notice = gr.HTML("", elem_id="admin-notice")
    gr.Markdown(f"### {t('admin.teams')}")
    teams = gr.HTML(f'<p class="muted">{render.e(t("admin.no_teams"))}</p>', elem_id="admin-teams")
    with gr.Row():
        team_name = gr.Textbox(label=t("admin.team_name"), elem_id="admin-team-name", scale=2)
        rename_from = gr.Dropdown(choices=[], label=t("admin.rename_from"), elem_id="admin-rename-from", scale=2)
        rename_to = gr.Textbox(label=t("admin.rename_to"), elem_id="admin-rename-to", scale=2)
    with gr.Row():
        add_team = gr.Button(t("admin.add_team"), elem_id="admin-add-team", **BUTTON)
        rename = gr.Button(t("admin.rename"), elem_id="admin-rename", **BUTTON)
    team_notice = gr.HTML("", elem_id="admin-team-notice")
    return AdminPage(
        users, new_username, new_name, new_role, new_team, new_language, new_password, add, add_notice,
        user, role, change_role, team, move, password, set_password, generate, deactivate, reactivate,
        notice, teams, team_name, add_team, rename_from, rename_to, rename, team_notice,
    )  # fmt: skip


# -- drawing ---------------------------------------------------------------------------------


def users_html(ctx: Context, users: list[UserRecord]) -> str:
    """The users table; every name from the data is escaped."""
    t, e = ctx.t, render.e
    if not users:
        return f'<p class="muted">{e(t("admin.no_users"))}</p>'
    heads = [
        t("admin.col.username"), t("admin.col.display_name"), t("admin.col.role"), t("admin.col.team"),
        t("admin.col.language"), t("admin.col.active"), t("admin.col.created"),
    ]  # fmt: skip
    rows = []
    for u in users:
        state = "active" if u.is_active else "disabled"
        demo = f' <span class="muted">{e(t("admin.demo"))}</span>' if u.is_demo else ""
        rows.append(
            f'<tr data-user="{e(u.username)}" data-active="{str(u.is_active).lower()}">'
            f"<td>{e(u.username)}</td><td>{e(u.display_name)}{demo}</td><td>{e(t('role.' + u.role))}</td>"
            f"<td>{e(u.team or '–')}</td><td>{e(t('lang.' + u.language))}</td>"
            f'<td><span class="status {state}">{e(t("admin." + state))}</span></td>'
            f"<td>{u.created_at:%Y-%m-%d}</td></tr>"
        )
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    return f'<table class="coach-table" id="admin-users-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def teams_html(ctx: Context, teams: list[TeamRecord]) -> str:
    """The teams table: members (active of all) and managers."""
    t, e = ctx.t, render.e
    if not teams:
        return f'<p class="muted">{e(t("admin.no_teams"))}</p>'
    heads = [t("admin.col.team"), t("admin.col.members"), t("admin.col.managers"), t("admin.col.created")]
    rows = "".join(
        f'<tr data-team="{e(x.name)}"><td>{e(x.name)}</td>'
        f"<td>{e(t('admin.members', active=x.active_members, total=x.members))}</td>"
        f"<td>{e(', '.join(x.managers) or '–')}</td><td>{x.created_at:%Y-%m-%d}</td></tr>"
        for x in teams
    )
    head = "".join(f"<th>{e(h)}</th>" for h in heads)
    return f'<table class="coach-table" id="admin-teams-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def error_text(ctx: Context, error: Exception) -> str:
    """A service's refusal in the page's language, its detail kept."""
    if isinstance(error, PermissionDenied):
        return ctx.t("admin.denied")
    if isinstance(error, NotFoundError):
        return ctx.t("admin.not_found", detail=ctx.t.detail(error))
    return ctx.message(error)


def refresh(ctx: Context, page: AdminPage, who: str, *, user: str | None = None) -> dict[Any, Any]:
    """Updates that redraw both tables and every user and team choice."""
    try:
        users = accounts.list_users(ctx.runtime, actor=who)
        teams = accounts.list_teams(ctx.runtime, actor=who)
    except CoachError as error:
        return {page.notice: render.notice(error_text(ctx, error))}
    people = [(f"{u.display_name} ({u.username})", u.username) for u in users]
    names = [x.name for x in teams]
    with_none = [(ctx.t("admin.no_team"), NO_TEAM)] + [(n, n) for n in names]
    chosen = user if user in {u.username for u in users} else None
    current = next((u for u in users if u.username == chosen), None)
    return {
        page.users: users_html(ctx, users),
        page.teams: teams_html(ctx, teams),
        page.user: gr.update(choices=people, value=chosen),
        page.role: gr.update(value=current.role if current else None),
        page.team: gr.update(choices=with_none, value=(current.team or NO_TEAM) if current else None),
        page.new_team: gr.update(choices=with_none, value=NO_TEAM),
        page.rename_from: gr.update(choices=names, value=None),
    }


def _team(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value


# -- events ----------------------------------------------------------------------------------


def wire(ctx: Context, blocks: gr.Blocks, page: AdminPage, tab: gr.Tab) -> None:
    """Show the tab to admins and connect the forms to the accounts service."""
    t = ctx.t
    redraw = [page.users, page.teams, page.user, page.role, page.team, page.new_team, page.rename_from]

    def on_load(request: gr.Request) -> dict[Any, Any]:
        who = actor(request)
        try:
            accounts.check_can_manage_users(ctx.runtime, actor=who)
        except CoachError:
            return {tab: gr.update(visible=False)}
        out = refresh(ctx, page, who)
        out[tab] = gr.update(visible=True)
        return out

    load_outputs: list[Any] = [tab, page.notice, *redraw]
    blocks.load(on_load, outputs=load_outputs)

    def on_add(
        username: str, name: str, role: str | None, team: str | None, language: str | None, password: str,
        request: gr.Request,
    ) -> dict[Any, Any]:
        who = actor(request)
        try:
            added = accounts.add_user(
                ctx.runtime, actor=who, username=username or "", password=password or "", role=role or "rep",
                display_name=(name or "").strip() or None, team=_team(team), language=language or "en",
            )  # fmt: skip
        except (CoachError, ValueError) as error:
            return {page.add_notice: render.notice(error_text(ctx, error)), page.new_password: ""}
        out = refresh(ctx, page, who, user=added.username)
        out.update({page.new_username: "", page.new_name: "", page.new_password: ""})
        out[page.add_notice] = render.notice(t("admin.added", user=added.username), kind="info")
        return out

    add_outputs = redraw + [page.add_notice, page.new_username, page.new_name, page.new_password, page.notice]
    page.add.click(
        on_add,
        inputs=[page.new_username, page.new_name, page.new_role, page.new_team, page.new_language, page.new_password],
        outputs=add_outputs,
    )

    def on_pick(username: str | None, request: gr.Request) -> dict[Any, Any]:
        if not username:
            return {page.notice: ""}
        out = refresh(ctx, page, actor(request), user=username)
        out[page.notice] = ""
        return out

    page.user.input(on_pick, inputs=[page.user], outputs=redraw + [page.notice])

    def change(username: str | None, request: gr.Request, action: Any, done: str, **values: Any) -> dict[Any, Any]:
        """Run one change on the picked user and redraw, or say why it was refused."""
        who = actor(request)
        if not username:
            return {page.notice: render.notice(t("admin.pick_user"), kind="info")}
        try:
            result = action(ctx.runtime, actor=who, username=username, **values)
        except (CoachError, ValueError) as error:
            return {page.notice: render.notice(error_text(ctx, error)), page.password: ""}
        out = refresh(ctx, page, who, user=username)
        out[page.password] = ""
        generated = getattr(result, "generated", None)
        note = render.notice(t(done, user=username), kind="info")
        if generated:
            note += f'<p class="admin-generated">{render.e(t("admin.generated_once"))} <code id="admin-generated">{render.e(generated)}</code></p>'
        out[page.notice] = note
        return out

    change_outputs = redraw + [page.notice, page.password]

    def on_role(username: str | None, role: str | None, request: gr.Request) -> dict[Any, Any]:
        if not role:
            return {page.notice: render.notice(t("admin.pick_role"), kind="info")}
        return change(username, request, accounts.change_role, "admin.role_changed", role=role)

    page.change_role.click(on_role, inputs=[page.user, page.role], outputs=change_outputs)

    def on_move(username: str | None, team: str | None, request: gr.Request) -> dict[Any, Any]:
        if team is None:
            return {page.notice: render.notice(t("admin.pick_team"), kind="info")}
        return change(username, request, accounts.set_team, "admin.moved", team=_team(team))

    page.move.click(on_move, inputs=[page.user, page.team], outputs=change_outputs)

    def on_set_password(username: str | None, password: str, request: gr.Request) -> dict[Any, Any]:
        if not password:
            return {page.notice: render.notice(t("admin.need_password"), kind="info")}
        return change(username, request, accounts.reset_password, "admin.password_set", password=password)

    page.set_password.click(on_set_password, inputs=[page.user, page.password], outputs=change_outputs)

    def on_generate(username: str | None, request: gr.Request) -> dict[Any, Any]:
        return change(username, request, accounts.reset_password, "admin.password_set", password=None)

    page.generate.click(on_generate, inputs=[page.user], outputs=change_outputs)

    def on_deactivate(username: str | None, request: gr.Request) -> dict[Any, Any]:
        return change(username, request, accounts.set_active, "admin.deactivated", active=False)

    def on_reactivate(username: str | None, request: gr.Request) -> dict[Any, Any]:
        return change(username, request, accounts.set_active, "admin.reactivated", active=True)

    page.deactivate.click(on_deactivate, inputs=[page.user], outputs=change_outputs)
    page.reactivate.click(on_reactivate, inputs=[page.user], outputs=change_outputs)

    def team_change(picked: str | None, request: gr.Request, action: Any, done: str, **values: Any) -> dict[Any, Any]:
        who = actor(request)
        try:
            result = action(ctx.runtime, actor=who, **values)
        except (CoachError, ValueError) as error:
            return {page.team_notice: render.notice(error_text(ctx, error))}
        out = refresh(ctx, page, who, user=picked)
        out.update({page.team_name: "", page.rename_to: ""})
        out[page.team_notice] = render.notice(t(done, team=result.name), kind="info")
        return out

    team_outputs = redraw + [page.team_notice, page.team_name, page.rename_to, page.notice]

    def on_add_team(name: str, picked: str | None, request: gr.Request) -> dict[Any, Any]:
        return team_change(picked, request, accounts.add_team, "admin.team_added", name=name or "")

    page.add_team.click(on_add_team, inputs=[page.team_name, page.user], outputs=team_outputs)
    page.team_name.submit(on_add_team, inputs=[page.team_name, page.user], outputs=team_outputs)

    def on_rename(old: str | None, new: str, picked: str | None, request: gr.Request) -> dict[Any, Any]:
        if not old:
            return {page.team_notice: render.notice(t("admin.pick_team"), kind="info")}
        return team_change(picked, request, accounts.rename_team, "admin.team_renamed", name=old, new_name=new or "")

    page.rename.click(on_rename, inputs=[page.rename_from, page.rename_to, page.user], outputs=team_outputs)
