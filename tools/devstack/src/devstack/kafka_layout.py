"""Which Kafka nodes a local cluster has and on which loopback ports they listen."""

from dataclasses import dataclass

LOOPBACK = "127.0.0.1"
SINGLE_NODE_BASE_PORT = 19092
THREE_NODE_BASE_PORT = 19192
_PORT_STRIDE_BETWEEN_NODES = 100


@dataclass(frozen=True)
class KafkaNodeAddress:
    node_id: int
    broker_port: int
    controller_port: int


@dataclass(frozen=True)
class KafkaClusterLayout:
    name: str
    nodes: tuple[KafkaNodeAddress, ...]
    host: str = LOOPBACK

    @classmethod
    def for_node_count(cls, node_count: int, base_port: int | None = None) -> "KafkaClusterLayout":
        """Node n listens on base + 100·(n-1), its controller one port up: 19092/19093, or 19192…19393."""
        if node_count not in (1, 3):
            raise ValueError(f"a local Kafka cluster has 1 or 3 nodes, not {node_count}")
        if base_port is None:
            base_port = SINGLE_NODE_BASE_PORT if node_count == 1 else THREE_NODE_BASE_PORT
        nodes = tuple(
            KafkaNodeAddress(
                node_id=index + 1,
                broker_port=base_port + index * _PORT_STRIDE_BETWEEN_NODES,
                controller_port=base_port + index * _PORT_STRIDE_BETWEEN_NODES + 1,
            )
            for index in range(node_count)
        )
        return cls(name="kafka" if node_count == 1 else f"kafka-{node_count}-nodes", nodes=nodes)

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"{self.host}:{node.broker_port}" for node in self.nodes)

    @property
    def controller_quorum_voters(self) -> str:
        return ",".join(f"{node.node_id}@{self.host}:{node.controller_port}" for node in self.nodes)

    @property
    def replication_factor(self) -> int:
        return min(3, len(self.nodes))

    @property
    def min_insync_replicas(self) -> int:
        return 2 if self.replication_factor >= 3 else 1

    def component_name(self, node: KafkaNodeAddress) -> str:
        return f"{self.name}/node-{node.node_id}"
