"""The knowledge base: YAML files curators edit, loaded into frozen data with file:line problems."""

from bot.kb.loader import KnowledgeError, load_knowledge
from bot.kb.model import Answer, Intent, KBSettings, KnowledgeBase, Office, OfficeHours, Source
from bot.kb.yamlsrc import Problem

__all__ = [
    "Answer",
    "Intent",
    "KBSettings",
    "KnowledgeBase",
    "KnowledgeError",
    "Office",
    "OfficeHours",
    "Problem",
    "Source",
    "load_knowledge",
]
