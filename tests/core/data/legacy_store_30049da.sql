BEGIN TRANSACTION;
CREATE TABLE batch_labels (
	id INTEGER NOT NULL, 
	batch_id INTEGER NOT NULL, 
	id_column VARCHAR(255) NOT NULL, 
	matched INTEGER NOT NULL, 
	unmatched INTEGER NOT NULL, 
	artifact VARCHAR(255) NOT NULL, 
	artifact_sha256 VARCHAR(64) NOT NULL, 
	performance JSON, 
	at DATETIME NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES scored_batch (id) ON DELETE CASCADE
);
CREATE TABLE candidate (
	id INTEGER NOT NULL, 
	run_id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	rank INTEGER NOT NULL, 
	family VARCHAR(50) NOT NULL, 
	trial_number INTEGER, 
	params JSON NOT NULL, 
	cv_score FLOAT NOT NULL, 
	cv_std FLOAT NOT NULL, 
	holdout JSON NOT NULL, 
	fit_seconds FLOAT NOT NULL, 
	predict_ms_per_1k FLOAT NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	artifact VARCHAR(255) NOT NULL, 
	artifact_sha256 VARCHAR(64) NOT NULL, 
	is_baseline BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (run_id, name), 
	FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);
INSERT INTO "candidate" VALUES(1,1,'lr-5',1,'lr',5,'{"C": 1.0}',0.91,0.02,'{"roc_auc": 0.91}',0.1,2.0,1234,'models/run-1/lr-5.skops','0000000000000000000000000000000000000000000000000000000000000000',0,'2026-11-30 09:00:00.000000');
INSERT INTO "candidate" VALUES(2,1,'baseline',2,'dummy',5,'{"C": 1.0}',0.5,0.02,'{"roc_auc": 0.5}',0.1,2.0,1234,'models/run-1/baseline.skops','0000000000000000000000000000000000000000000000000000000000000000',1,'2026-11-30 09:00:00.000000');
CREATE TABLE candidate_diagnostics (
	candidate_id INTEGER NOT NULL, 
	data JSON NOT NULL, 
	PRIMARY KEY (candidate_id), 
	FOREIGN KEY(candidate_id) REFERENCES candidate (id) ON DELETE CASCADE
);
CREATE TABLE dataset (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "dataset" VALUES(1,'churn','2026-12-01 23:41:30.709396','legacy');
CREATE TABLE dataset_version (
	id INTEGER NOT NULL, 
	dataset_id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	source_name VARCHAR(255) NOT NULL, 
	file_format VARCHAR(20) NOT NULL, 
	rows BIGINT NOT NULL, 
	columns INTEGER NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	artifact VARCHAR(255) NOT NULL, 
	artifact_sha256 VARCHAR(64) NOT NULL, 
	ingest JSON NOT NULL, 
	profile JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (dataset_id, version), 
	UNIQUE (dataset_id, sha256), 
	FOREIGN KEY(dataset_id) REFERENCES dataset (id) ON DELETE RESTRICT
);
INSERT INTO "dataset_version" VALUES(1,1,1,'c2e04e40aa436367e472ca5e98871e49b86717bdc5d4eaa2f4a1455747bdba7b','churn.csv','csv',40,4,2911,'datasets/c2/c2e04e40aa436367e472ca5e98871e49b86717bdc5d4eaa2f4a1455747bdba7b.parquet','ec660498b0f33aaccd1be09f4e3609621ece056672ecd6d639bead4cd6e15184','{"source_name": "churn.csv", "file_format": "csv", "encoding": "utf-8", "delimiter": ",", "decimal": ".", "notices": [], "upload_bytes": 668}','{"rows": 40, "columns": 4, "duplicate_rows": 0, "memory_bytes": 1541, "column_profiles": [{"name": "age", "kind": "numeric", "dtype": "int64", "missing": 0, "missing_share": 0.0, "distinct": 40, "stats": {"mean": 39.5, "std": 11.69045194450012, "min": 20.0, "p05": 21.95, "p25": 29.75, "median": 39.5, "p75": 49.25, "p95": 57.05, "max": 59.0, "zeros": 0, "negatives": 0, "infinite": 0}, "top_values": [["20", 1], ["21", 1], ["22", 1], ["23", 1], ["24", 1], ["25", 1], ["26", 1], ["27", 1], ["28", 1], ["29", 1]], "distribution": {"kind": "histogram", "labels": ["20", "21.3", "22.6", "23.9", "25.2", "26.5", "27.8", "29.1", "30.4", "31.7", "33", "34.3", "35.6", "36.9", "38.2", "39.5", "40.8", "42.1", "43.4", "44.7", "46", "47.3", "48.6", "49.9", "51.2", "52.5", "53.8", "55.1", "56.4", "57.7", "59"], "counts": [2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2], "other": 0, "of": "values"}}, {"name": "plan", "kind": "categorical", "dtype": "str", "missing": 0, "missing_share": 0.0, "distinct": 3, "stats": {"mode": "basic", "mode_share": 0.35}, "top_values": [["basic", 14], ["pro", 13], ["team", 13]], "distribution": {"kind": "bars", "labels": ["basic", "pro", "team"], "counts": [14, 13, 13], "other": 0, "of": "values"}}, {"name": "spend", "kind": "numeric", "dtype": "float64", "missing": 0, "missing_share": 0.0, "distinct": 7, "stats": {"mean": 30.1875, "std": 20.890338676048312, "min": 0.0, "p05": 0.0, "p25": 10.5, "median": 31.5, "p75": 44.625, "p95": 63.0, "max": 63.0, "zeros": 6, "negatives": 0, "infinite": 0}, "top_values": [["0", 6], ["10.5", 6], ["21", 6], ["31.5", 6], ["42", 6], ["52.5", 5], ["63", 5]], "distribution": {"kind": "histogram", "labels": ["0", "9", "18", "27", "36", "45", "54", "63"], "counts": [6, 6, 6, 6, 6, 5, 5], "other": 0, "of": "values"}}, {"name": "churned", "kind": "boolean", "dtype": "str", "missing": 0, "missing_share": 0.0, "distinct": 2, "stats": {"mode": "no", "mode_share": 0.75}, "top_values": [["no", 30], ["yes", 10]], "distribution": {"kind": "bars", "labels": ["no", "yes"], "counts": [30, 10], "other": 0, "of": "values"}}], "warnings": []}','2026-12-01 23:41:30.728031','legacy');
CREATE TABLE drift_result (
	id INTEGER NOT NULL, 
	model_version_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	source_name VARCHAR(255) NOT NULL, 
	window VARCHAR(40) NOT NULL, 
	granularity VARCHAR(10) NOT NULL, 
	start DATETIME, 
	"end" DATETIME, 
	rows INTEGER NOT NULL, 
	dataset_drift BOOLEAN NOT NULL, 
	drift_share FLOAT NOT NULL, 
	report JSON, 
	PRIMARY KEY (id), 
	FOREIGN KEY(model_version_id) REFERENCES model_version (id) ON DELETE CASCADE
);
CREATE TABLE event (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	kind VARCHAR(50) NOT NULL, 
	subject VARCHAR(255) NOT NULL, 
	message VARCHAR(1000) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "event" VALUES(1,'2026-12-01 23:41:30.728461','legacy','dataset.version_added','churn@1','Added churn version 1: 40 rows x 4 columns from churn.csv.');
CREATE TABLE job (
	id INTEGER NOT NULL, 
	kind VARCHAR(30) NOT NULL, 
	run_id INTEGER, 
	status VARCHAR(20) NOT NULL, 
	worker_id VARCHAR(64), 
	created_at DATETIME NOT NULL, 
	claimed_at DATETIME, 
	finished_at DATETIME, 
	error VARCHAR(2000) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);
INSERT INTO "job" VALUES(1,'autopilot',1,'done','w-legacy','2026-11-30 09:00:00.000000','2026-11-30 09:00:00.000000','2026-11-30 09:01:00.000000','');
CREATE TABLE model_event (
	id INTEGER NOT NULL, 
	model_name VARCHAR(100) NOT NULL, 
	version INTEGER, 
	at DATETIME NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	action VARCHAR(30) NOT NULL, 
	from_value VARCHAR(30) NOT NULL, 
	to_value VARCHAR(30) NOT NULL, 
	comment VARCHAR(2000) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "model_event" VALUES(1,'churn',1,'2026-11-30 09:00:00.000000','legacy','registered','','none','legacy fixture');
INSERT INTO "model_event" VALUES(2,'churn',1,'2026-11-30 09:00:00.000000','legacy','approval','pending','approved','legacy fixture');
INSERT INTO "model_event" VALUES(3,'churn',1,'2026-11-30 09:00:00.000000','legacy','stage','none','production','legacy fixture');
CREATE TABLE model_version (
	id INTEGER NOT NULL, 
	model_name VARCHAR(100) NOT NULL, 
	version INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(200) NOT NULL, 
	stage VARCHAR(20) DEFAULT 'none' NOT NULL, 
	approval VARCHAR(20) DEFAULT 'pending' NOT NULL, 
	run_id INTEGER, 
	candidate_id INTEGER, 
	candidate_name VARCHAR(100) DEFAULT '' NOT NULL, 
	family VARCHAR(50) DEFAULT '' NOT NULL, 
	target VARCHAR(255) DEFAULT '' NOT NULL, 
	task VARCHAR(20) DEFAULT '' NOT NULL, 
	metric VARCHAR(30) DEFAULT '' NOT NULL, 
	artifact VARCHAR(255) DEFAULT '' NOT NULL, 
	artifact_sha256 VARCHAR(64) DEFAULT '' NOT NULL, 
	reference_artifact VARCHAR(255) DEFAULT '' NOT NULL, 
	reference_sha256 VARCHAR(64) DEFAULT '' NOT NULL, 
	input_schema JSON, 
	metrics JSON, 
	params JSON, 
	baseline JSON, 
	card JSON, 
	PRIMARY KEY (id), 
	UNIQUE (model_name, version), 
	FOREIGN KEY(dataset_version_id) REFERENCES dataset_version (id) ON DELETE RESTRICT
);
INSERT INTO "model_version" VALUES(1,'churn',1,1,'2026-11-30 09:00:00.000000','legacy','production','approved',1,1,'lr-5','lr','churned','binary','roc_auc','models/churn/1.skops','1111111111111111111111111111111111111111111111111111111111111111','','','{"columns": ["age", "plan", "spend"]}','{"roc_auc": 0.91}','{"C": 1.0}','{}','{"owner": "legacy"}');
CREATE TABLE monitor_config (
	id INTEGER NOT NULL, 
	model_name VARCHAR(100) NOT NULL, 
	tests JSON, 
	thresholds JSON, 
	share_threshold FLOAT NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE note (
	id INTEGER NOT NULL, 
	subject VARCHAR(20) NOT NULL, 
	subject_id INTEGER NOT NULL, 
	body VARCHAR(20000) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	updated_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (subject, subject_id)
);
CREATE TABLE registered_model (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	description VARCHAR(2000) NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "registered_model" VALUES(1,'churn','Churn model','2026-11-30 09:00:00.000000','legacy');
CREATE TABLE retrain (
	id INTEGER NOT NULL, 
	model_name VARCHAR(100) NOT NULL, 
	champion_version_id INTEGER NOT NULL, 
	run_id INTEGER NOT NULL, 
	compare_artifact VARCHAR(255) NOT NULL, 
	compare_sha256 VARCHAR(64) NOT NULL, 
	new_rows INTEGER NOT NULL, 
	compare_rows INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(champion_version_id) REFERENCES model_version (id) ON DELETE CASCADE, 
	FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);
CREATE TABLE run (
	id INTEGER NOT NULL, 
	dataset_version_id INTEGER NOT NULL, 
	target VARCHAR(255) NOT NULL, 
	task VARCHAR(20) NOT NULL, 
	metric VARCHAR(30) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	config JSON NOT NULL, 
	study_name VARCHAR(100) NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(200) NOT NULL, 
	started_at DATETIME, 
	finished_at DATETIME, 
	search_deadline DATETIME, 
	search_seconds FLOAT NOT NULL, 
	stop_requested BOOLEAN NOT NULL, 
	trials_done INTEGER NOT NULL, 
	best_score FLOAT, 
	baseline_score FLOAT, 
	message VARCHAR(1000) NOT NULL, 
	best_history JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(dataset_version_id) REFERENCES dataset_version (id) ON DELETE RESTRICT
);
INSERT INTO "run" VALUES(1,1,'churned','binary','roc_auc','finished','{"budget_seconds": 60, "seed": 0, "families": ["lr"]}','run-1','2026-11-30 09:00:00.000000','legacy','2026-11-30 09:00:00.000000','2026-11-30 09:01:00.000000',NULL,0.0,0,12,0.91,0.5,'finished: 12 trials','[[1, 0.8], [5, 0.91]]');
CREATE TABLE run_analysis (
	run_id INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	trials_artifact VARCHAR(255) NOT NULL, 
	trials_sha256 VARCHAR(64) NOT NULL, 
	views_artifact VARCHAR(255) NOT NULL, 
	views_sha256 VARCHAR(64) NOT NULL, 
	seconds FLOAT NOT NULL, 
	message VARCHAR(1000) NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (run_id), 
	FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);
CREATE TABLE run_event (
	id INTEGER NOT NULL, 
	run_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	level VARCHAR(10) NOT NULL, 
	message VARCHAR(1000) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(run_id) REFERENCES run (id) ON DELETE CASCADE
);
INSERT INTO "run_event" VALUES(1,1,'2026-11-30 09:00:00.000000','info','trial 5 (lr) scored 0.910');
CREATE TABLE scored_batch (
	id INTEGER NOT NULL, 
	model_version_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	source_name VARCHAR(255) NOT NULL, 
	rows BIGINT NOT NULL, 
	logged_rows BIGINT NOT NULL, 
	artifact VARCHAR(255) NOT NULL, 
	artifact_sha256 VARCHAR(64) NOT NULL, 
	summary JSON, 
	PRIMARY KEY (id), 
	FOREIGN KEY(model_version_id) REFERENCES model_version (id) ON DELETE CASCADE
);
CREATE TABLE tag (
	id INTEGER NOT NULL, 
	subject VARCHAR(20) NOT NULL, 
	subject_id INTEGER NOT NULL, 
	name VARCHAR(50) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (subject, subject_id, name)
);
CREATE TABLE worker (
	id VARCHAR(64) NOT NULL, 
	host VARCHAR(255) NOT NULL, 
	pid INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	heartbeat_at DATETIME NOT NULL, 
	job_id INTEGER, 
	run_id INTEGER, 
	stopped BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_dataset_name ON dataset (name);
CREATE INDEX ix_note_subject_id ON note (subject_id);
CREATE INDEX ix_tag_subject_id ON tag (subject_id);
CREATE INDEX ix_tag_name ON tag (name);
CREATE INDEX ix_worker_heartbeat_at ON worker (heartbeat_at);
CREATE UNIQUE INDEX ix_registered_model_name ON registered_model (name);
CREATE INDEX ix_model_event_model_name ON model_event (model_name);
CREATE INDEX ix_event_at ON event (at);
CREATE UNIQUE INDEX ix_monitor_config_model_name ON monitor_config (model_name);
CREATE INDEX ix_dataset_version_sha256 ON dataset_version (sha256);
CREATE INDEX ix_run_status ON run (status);
CREATE INDEX ix_model_version_model_name ON model_version (model_name);
CREATE UNIQUE INDEX one_production_per_model ON model_version (model_name) WHERE stage = 'production';
CREATE INDEX ix_job_status ON job (status);
CREATE INDEX ix_scored_batch_at ON scored_batch (at);
CREATE INDEX ix_drift_result_at ON drift_result (at);
CREATE INDEX ix_retrain_model_name ON retrain (model_name);
CREATE INDEX ix_batch_labels_batch_id ON batch_labels (batch_id);
COMMIT;
