// The policy graph (seeds/policy): documents, their items, task rows, collective units.
CREATE CONSTRAINT policy_document_id IF NOT EXISTS FOR (n:PolicyDocument) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT policy_item_id IF NOT EXISTS FOR (n:PolicyItem) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT task_id IF NOT EXISTS FOR (n:Task) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT collective_unit_id IF NOT EXISTS FOR (n:CollectiveUnit) REQUIRE n.id IS UNIQUE;
// Documents are listed by level and jurisdiction.
CREATE INDEX policy_document_level IF NOT EXISTS FOR (n:PolicyDocument) ON (n.level);
CREATE INDEX policy_document_jurisdiction IF NOT EXISTS FOR (n:PolicyDocument) ON (n.jurisdictionCode);
