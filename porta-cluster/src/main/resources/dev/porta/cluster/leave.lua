-- A node leaves the cluster (shutdown): it is no longer live, and the leases it still holds are released.
-- Its drain flag goes too: a node started again under the same id takes meetings.
-- KEYS: 1 this node's hash, 2 the live nodes (sorted set), 3 this node's homes (set), 4 its drain flag
-- ARGV: 1 node id, 2 key prefix of leases, then the meetings it held
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
for i = 3, #ARGV do
  if redis.call('GET', ARGV[2] .. ARGV[i]) == ARGV[1] then
    redis.call('DEL', ARGV[2] .. ARGV[i])
  end
end
return 1
