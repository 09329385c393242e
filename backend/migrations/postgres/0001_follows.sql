-- Who follows whom, and a follower count per user kept in step by a trigger, so the top-10 query
-- reads an index instead of counting every follow row. (PostgreSQL; the SQLite twin is in ../sqlite.)
CREATE TABLE follows (
    follower_id TEXT NOT NULL,
    followee_id TEXT NOT NULL,
    created_at  BIGINT NOT NULL DEFAULT (EXTRACT(EPOCH FROM now())::BIGINT),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);

CREATE TABLE follower_counts (
    user_id   TEXT PRIMARY KEY,
    followers BIGINT NOT NULL DEFAULT 0 CHECK (followers >= 0)
);

CREATE INDEX follower_counts_by_followers ON follower_counts (followers DESC, user_id);

CREATE FUNCTION follows_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO follower_counts (user_id, followers) VALUES (NEW.followee_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET followers = follower_counts.followers + 1;
    ELSE
        UPDATE follower_counts SET followers = followers - 1 WHERE user_id = OLD.followee_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER follows_count AFTER INSERT OR DELETE ON follows FOR EACH ROW EXECUTE FUNCTION follows_count();
