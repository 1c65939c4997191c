"""Background work: the job queue, worker processes and the local worker launcher."""
