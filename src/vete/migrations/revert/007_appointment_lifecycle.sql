-- Revert 007: drop the transition table.
-- Its functions, triggers and policies live in definitions/ and are left as they are (a
-- definition file is their one current source, docs/deploy.md "Definitions"); those on
-- its tables go with the tables.
DROP TABLE IF EXISTS vete.appointment_status_transitions;
