ALTER TABLE permit_transfers DROP COLUMN requested_by;
ALTER TABLE permit_transfers DROP COLUMN document_ids;
ALTER TABLE permit_transfers DROP COLUMN cause;
ALTER TABLE permit_transfers DROP COLUMN kind;
