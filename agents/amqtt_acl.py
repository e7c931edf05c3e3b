"""The embedded (amqtt) broker's publish ACL, apart from `agents.broker` so that the
participants, which never run an embedded broker, start without loading amqtt."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from amqtt.contexts import Action
from amqtt.plugins.base import BaseTopicPlugin
from amqtt.session import Session

from agents.broker import topic_matches

logger = logging.getLogger("agents.broker")


class PublishACLPlugin(BaseTopicPlugin):
    """amqtt topic plugin: a user may publish only on its own patterns; subscribing is free.

    amqtt's own ACL plugin also restricts subscriptions unless every user is listed in a
    deprecated option, so the bus ships this narrower one.
    """

    @dataclass
    class Config:
        publish: dict[str, list[str]] = field(default_factory=dict)

    async def topic_filtering(
        self,
        *,
        session: Session | None = None,
        topic: str | None = None,
        action: Action | None = None,
    ) -> bool:
        if action != Action.PUBLISH:
            return True
        username = session.username if session is not None else None
        patterns = self.config.publish.get(username or "", [])
        allowed = topic is not None and any(topic_matches(topic, p) for p in patterns)
        if not allowed:
            logger.info("broker dropped a publish by %r on %r: not in its ACL", username, topic)
        return allowed
