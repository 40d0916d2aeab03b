-- Issues an authorization code, with AuthorizationCodes' caps, atomically for every node.
-- KEYS: 1 the code, 2 the member's codes (a list, oldest first), 3 the app's codes (sorted set by
--       expiry), 4 all codes (sorted set by expiry)
-- ARGV: 1 code, 2 value (first line: the app's key), 3 now (ms), 4 expiry (ms), 5 lifetime (ms),
--       6 max per member, 7 max per app, 8 max in total, 9 key prefix of codes
local now, expiry, lifetime = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local maxMember, maxClient, maxTotal = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local codePrefix = ARGV[9]

redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)

-- the member's codes still outstanding, oldest first; a new one beyond the cap replaces the oldest
local live = {}
for _, c in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', codePrefix .. c) == 1 then
    table.insert(live, c)
  else
    redis.call('LREM', KEYS[2], 0, c)
  end
end
if #live >= maxMember then
  local oldest = live[1]
  local value = redis.call('GETDEL', codePrefix .. oldest)
  if value then
    local clientKey = string.sub(value, 1, string.find(value, '\n', 1, true) - 1)
    redis.call('ZREM', clientKey, oldest)
  end
  redis.call('ZREM', KEYS[4], oldest)
  redis.call('LREM', KEYS[2], 0, oldest)
end

if redis.call('ZCARD', KEYS[4]) >= maxTotal or redis.call('ZCARD', KEYS[3]) >= maxClient then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', lifetime)
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], lifetime)
redis.call('ZADD', KEYS[3], expiry, ARGV[1])
redis.call('PEXPIRE', KEYS[3], lifetime)
redis.call('ZADD', KEYS[4], expiry, ARGV[1])
return 1
