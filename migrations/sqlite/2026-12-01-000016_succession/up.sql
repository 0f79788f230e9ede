-- Succession (顶替): a transfer recorded by an officer when the holder has died or can no longer
-- work, with the documents photographed; another officer decides.
ALTER TABLE permit_transfers ADD COLUMN kind TEXT NOT NULL DEFAULT 'transfer';
ALTER TABLE permit_transfers ADD COLUMN cause TEXT NOT NULL DEFAULT '';
ALTER TABLE permit_transfers ADD COLUMN document_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE permit_transfers ADD COLUMN requested_by BIGINT;
