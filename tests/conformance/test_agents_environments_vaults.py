"""Agents, environments and vaults through ``qca.Managed()``'s typed methods."""

from __future__ import annotations

from datetime import timedelta

import pytest
import qca

from qoder_emulator.testing import EmulatorHandle

from .conftest import error_of


def test_agent_create_get_list_update_versions_archive(emu: EmulatorHandle, strict_sdk: qca.Managed) -> None:
    made = strict_sdk.agents.create(
        name="writer", model={"id": "claude-opus-4-8", "effort": {"type": "high"}}, system="Write."
    )
    assert made.id is not None and made.version == 1
    assert made.model is not None and not isinstance(made.model, str)
    assert made.model.id == "claude-opus-4-8" and made.model.effort is not None
    assert not isinstance(made.model.effort, str) and made.model.effort.type == "high"
    assert strict_sdk.agents.retrieve(made.id).to_dict() == made.to_dict()

    # Update without a version applies unconditionally; with a stale one it is a 409.
    renamed = strict_sdk.agents.update(made.id, description="daily")
    assert renamed.version == 2 and renamed.description == "daily"
    with pytest.raises(qca.ConflictError) as stale:
        strict_sdk.agents.update(made.id, version=1, description="late")
    assert error_of(stale.value)["param"] == "version"
    third = strict_sdk.agents.update(made.id, version=2, model="ultimate")
    assert third.version == 3 and third.model == "ultimate"

    old = strict_sdk.agents.retrieve(made.id, version=1)
    assert old.version == 1 and old.description == "" and old.model is not None
    with pytest.raises(qca.NotFoundError):
        strict_sdk.agents.retrieve(made.id, version=9)
    versions = strict_sdk.agents.versions.list(made.id, limit=2)
    assert [a.version for a in versions.data] == [3, 2] and versions.has_more
    assert [a.version for a in strict_sdk.agents.versions.list(made.id, limit=1)] == [3, 2, 1]  # auto-paging

    later = emu.now() + timedelta(hours=1)
    emu.set_clock(later)
    newer = strict_sdk.agents.create(name="newer", model="ultimate")
    assert [a.id for a in strict_sdk.agents.list(created_at_gte=later)] == [newer.id]
    assert made.id in [a.id for a in strict_sdk.agents.list(created_at_lte=later - timedelta(seconds=1))]
    assert newer.id not in [a.id for a in strict_sdk.agents.list(created_at_lte=later - timedelta(seconds=1))]

    archived = strict_sdk.agents.archive(made.id)
    assert archived.archived_at is not None
    assert made.id not in [a.id for a in strict_sdk.agents.list()]
    assert made.id in [a.id for a in strict_sdk.agents.list(include_archived=True)]


def test_multiagent_coordinator_pins_member_versions(strict_sdk: qca.Managed) -> None:
    helper = strict_sdk.agents.create(name="helper", model="ultimate")
    assert helper.id is not None
    lead = strict_sdk.agents.create(
        name="lead",
        model="ultimate",
        multiagent={"type": "coordinator", "agents": [helper.id, {"type": "self"}]},
    )
    assert lead.multiagent is not None and lead.multiagent.type == "coordinator"
    assert lead.multiagent.agents is not None
    member, me = lead.multiagent.agents
    assert (member.type, member.id, member.version) == ("agent", helper.id, 1) and me.type == "self"
    with pytest.raises(qca.NotFoundError) as missing:
        strict_sdk.agents.create(
            name="x", model="m", multiagent={"type": "coordinator", "agents": ["agent_missing"]}
        )
    assert error_of(missing.value)["param"] == "multiagent.agents[0]"


def test_environment_scope_setup_script_and_no_config(emu: EmulatorHandle, strict_sdk: qca.Managed) -> None:
    bare = strict_sdk.environments.create(name="bare")
    assert bare.id is not None and bare.config is not None and bare.config.type == "cloud"
    assert bare.scope == "account"
    scripted = strict_sdk.environments.create(
        name="scripted",
        scope="organization",
        config={"type": "cloud", "setup_script": "pip install -r requirements.txt"},
    )
    assert scripted.id is not None and scripted.scope == "organization"
    assert scripted.config is not None and scripted.config.setup_script == "pip install -r requirements.txt"
    moved = strict_sdk.environments.update(scripted.id, scope="account", config={"setup_script": "make"})
    assert moved.scope == "account" and moved.config is not None and moved.config.setup_script == "make"
    assert strict_sdk.environments.retrieve(scripted.id).to_dict() == moved.to_dict()
    with pytest.raises(qca.BadRequestError) as bad:
        strict_sdk.environments.create(name="x", scope="galaxy")  # type: ignore[arg-type]
    assert error_of(bad.value)["param"] == "scope"

    later = emu.now() + timedelta(hours=1)
    emu.set_clock(later)
    newest = strict_sdk.environments.create(name="newest")
    assert [e.id for e in strict_sdk.environments.list(created_at_gte=later)] == [newest.id]
    assert strict_sdk.environments.archive(bare.id).archived_at is not None
    assert bare.id not in [e.id for e in strict_sdk.environments.list()]
    deleted = strict_sdk.environments.delete(bare.id)
    assert (deleted.id, deleted.type) == (bare.id, "environment_deleted")
    with pytest.raises(qca.NotFoundError):
        strict_sdk.environments.retrieve(bare.id)


def test_vaults_create_get_list_by_name_archive_delete(strict_sdk: qca.Managed) -> None:
    made = strict_sdk.vaults.create(display_name="team-keys", metadata={"team": "ops"})
    other = strict_sdk.vaults.create(display_name="other-keys")
    assert made.id is not None and made.metadata == {"team": "ops"}
    assert strict_sdk.vaults.retrieve(made.id).to_dict() == made.to_dict()
    assert [v.id for v in strict_sdk.vaults.list(name="team-keys")] == [made.id]
    assert {made.id, other.id} <= {v.id for v in strict_sdk.vaults.list()}
    assert strict_sdk.vaults.archive(made.id).archived_at is not None
    assert list(strict_sdk.vaults.list(name="team-keys")) == []
    assert [v.id for v in strict_sdk.vaults.list(name="team-keys", include_archived=True)] == [made.id]
    gone = strict_sdk.vaults.delete(made.id)
    assert (gone.id, gone.type) == (made.id, "vault_deleted")
