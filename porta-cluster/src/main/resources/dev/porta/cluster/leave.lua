-- A node leaves the cluster (shutdown): it is no longer live, and the leases it still holds are released.
-- KEYS: 1 this node's hash, 2 the live nodes (sorted set), 3 this node's homes (set)
-- ARGV: 1 node id, 2 key prefix of leases, then the meetings it held
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('ZREM', KEYS[2], ARGV[1])
for i = 3, #ARGV do
  if redis.call('GET', ARGV[2] .. ARGV[i]) == ARGV[1] then
    redis.call('DEL', ARGV[2] .. ARGV[i])
  end
end
return 1
