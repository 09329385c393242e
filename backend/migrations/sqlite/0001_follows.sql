-- Who follows whom, and a follower count per user kept in step by triggers, so the top-10 query
-- reads an index instead of counting every follow row.
CREATE TABLE follows (
    follower_id TEXT NOT NULL,
    followee_id TEXT NOT NULL,
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);

CREATE TABLE follower_counts (
    user_id   TEXT PRIMARY KEY,
    followers INTEGER NOT NULL DEFAULT 0 CHECK (followers >= 0)
);

CREATE INDEX follower_counts_by_followers ON follower_counts (followers DESC, user_id);

CREATE TRIGGER follows_count_insert AFTER INSERT ON follows BEGIN
    INSERT INTO follower_counts (user_id, followers) VALUES (NEW.followee_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET followers = followers + 1;
END;

CREATE TRIGGER follows_count_delete AFTER DELETE ON follows BEGIN
    UPDATE follower_counts SET followers = followers - 1 WHERE user_id = OLD.followee_id;
END;
