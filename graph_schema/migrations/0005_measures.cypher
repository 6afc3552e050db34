// The measure catalogue and the matter types approval systems ask about.
CREATE CONSTRAINT measure_id IF NOT EXISTS FOR (n:Measure) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT matter_type_code IF NOT EXISTS FOR (n:MatterType) REQUIRE n.code IS UNIQUE;
