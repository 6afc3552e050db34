// Objections, repair applications and the working-day calendar beyond chinese_calendar.
CREATE CONSTRAINT objection_id IF NOT EXISTS FOR (n:Objection) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT objection_step_id IF NOT EXISTS FOR (n:ObjectionStep) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT repair_application_id IF NOT EXISTS FOR (n:RepairApplication) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT calendar_day IF NOT EXISTS FOR (n:CalendarDay) REQUIRE n.date IS UNIQUE;
CREATE CONSTRAINT calendar_year IF NOT EXISTS FOR (n:CalendarYear) REQUIRE n.year IS UNIQUE;
CREATE INDEX list_entry_derived IF NOT EXISTS FOR (n:ListEntry) ON (n.derived);
CREATE INDEX objection_closed IF NOT EXISTS FOR (n:Objection) ON (n.closedOn);
