-- Where ingestion stands in each partition of a topic: the offset of the next record to read.
-- Written in the transaction of the events it follows, so that after a crash the catalog and its
-- position agree whatever the database kept; Kafka's committed offsets are only a hint.

CREATE TABLE event_offsets (
  topic        VARCHAR(249) NOT NULL,
  partition_id INT          NOT NULL,
  next_offset  BIGINT       NOT NULL,
  PRIMARY KEY (topic, partition_id)
);
