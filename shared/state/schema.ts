/**
 * The snapshot's tables. Names are snake_case so ad-hoc SQL (`ecs-sched query`, the sqlite3 CLI on
 * an exported file) reads naturally. Times are ISO-8601 text: they sort correctly and stay
 * readable in a sqlite3 shell.
 */
export const SCHEMA = `
CREATE TABLE clusters (
  arn TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL
);

CREATE TABLE container_instances (
  arn TEXT PRIMARY KEY,
  ec2_instance_id TEXT NOT NULL,
  capacity_provider_name TEXT,
  status TEXT NOT NULL,
  agent_connected INTEGER NOT NULL,
  agent_version TEXT NOT NULL,
  registered_cpu INTEGER NOT NULL,
  registered_memory INTEGER NOT NULL,
  remaining_cpu INTEGER NOT NULL,
  remaining_memory INTEGER NOT NULL,
  -- JSON: ports are arrays of numbers, attributes an object of name to value (null when valueless).
  -- Kept as JSON because binding a row per port or attribute made loading several times slower;
  -- the views below give them back as rows.
  tcp_ports_in_use TEXT NOT NULL,
  udp_ports_in_use TEXT NOT NULL,
  attributes TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  running_tasks_count INTEGER NOT NULL,
  pending_tasks_count INTEGER NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX container_instances_fit ON container_instances (status, agent_connected, remaining_cpu, remaining_memory);

-- Host ports in use (or reserved by ECS) on an instance, one row each.
CREATE VIEW instance_ports (instance_arn, protocol, port) AS
  SELECT ci.arn, 'tcp', p.value FROM container_instances ci, json_each(ci.tcp_ports_in_use) p
  UNION ALL
  SELECT ci.arn, 'udp', p.value FROM container_instances ci, json_each(ci.udp_ports_in_use) p;

CREATE VIEW instance_attributes (instance_arn, name, value) AS
  SELECT ci.arn, a.key, a.value FROM container_instances ci, json_each(ci.attributes) a;

CREATE TABLE tasks (
  arn TEXT PRIMARY KEY,
  container_instance_arn TEXT,
  task_definition_arn TEXT NOT NULL,
  family TEXT NOT NULL,
  revision INTEGER NOT NULL,
  started_by TEXT,
  task_group TEXT,
  last_status TEXT NOT NULL,
  desired_status TEXT NOT NULL,
  created_at TEXT,
  started_at TEXT,
  cpu INTEGER NOT NULL,
  memory INTEGER NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX tasks_by_instance ON tasks (container_instance_arn);
CREATE INDEX tasks_by_started_by ON tasks (started_by);
CREATE INDEX tasks_by_family ON tasks (family, revision);

CREATE TABLE task_definitions (
  arn TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  revision INTEGER NOT NULL,
  network_mode TEXT NOT NULL,
  cpu INTEGER NOT NULL,
  memory INTEGER NOT NULL,
  tcp_ports TEXT NOT NULL,
  udp_ports TEXT NOT NULL,
  task_role_arn TEXT,
  execution_role_arn TEXT
);
`;
