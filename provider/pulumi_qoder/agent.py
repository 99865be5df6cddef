"""Old home of ``Agent``, kept as an alias: stacks' state holds ``__provider`` pickled by
reference to ``pulumi_qoder.agent.AgentProvider``. The code lives in ``pulumi_qoder.resources.agent``."""

from .resources.agent.args import AgentArgs, AgentArgsDict, CustomSkillArgs, ModelArgs
from .resources.agent.check import check_inputs
from .resources.agent.mapping import agent_to_inputs, agent_to_outputs, create_body, update_patch
from .resources.agent.resource import Agent, AgentProvider

__all__ = [
    "Agent",
    "AgentArgs",
    "AgentArgsDict",
    "AgentProvider",
    "CustomSkillArgs",
    "ModelArgs",
    "agent_to_inputs",
    "agent_to_outputs",
    "check_inputs",
    "create_body",
    "update_patch",
]
