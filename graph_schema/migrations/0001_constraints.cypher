// Keys of every entity: natural keys (USCC, citizen ID number) and internal ids.
CREATE CONSTRAINT subject_id IF NOT EXISTS FOR (n:Subject) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organization_uscc IF NOT EXISTS FOR (n:Organization) REQUIRE n.uscc IS UNIQUE;
CREATE CONSTRAINT person_id_number IF NOT EXISTS FOR (n:Person) REQUIRE n.idNumber IS UNIQUE;
CREATE CONSTRAINT jurisdiction_code IF NOT EXISTS FOR (n:Jurisdiction) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT department_id IF NOT EXISTS FOR (n:Department) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT list_entry_id IF NOT EXISTS FOR (n:ListEntry) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT list_entry_key IF NOT EXISTS FOR (n:ListEntry) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT credit_record_id IF NOT EXISTS FOR (n:CreditRecord) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT credit_record_key IF NOT EXISTS FOR (n:CreditRecord) REQUIRE n.key IS UNIQUE;
