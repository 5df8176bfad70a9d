-- QTI import is idempotent by item identifier within a bank: the identifier a question was
-- imported with (or exported under) is kept with it, and unique per bank.
alter table assessment.questions add column qti_identifier text
  check (qti_identifier is null or length(qti_identifier) between 1 and 200);
create unique index questions_bank_qti_identifier_idx
  on assessment.questions (bank_id, qti_identifier) where qti_identifier is not null;
