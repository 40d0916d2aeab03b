-- One node's heartbeat: registers it with its load for one lease time, renews the leases of the
-- meetings it serves (taking back, with SET NX, a lease that lapsed while nobody else took it) and
-- releases the leases of meetings that ended. Returns whether the node's drain flag is set ('1' or '0'),
-- then the meetings whose lease another node holds now.
-- A node that beat before and finds its registration gone (Redis restarted without persistence, failed
-- over, or the node was cut off for longer than a lease) sets the settling flag for one lease time: no
-- meeting without a lease is placed meanwhile (place.lua), so that every node, reconnecting on its own
-- schedule, takes back the leases of its live meetings before a join can give one of them a second home.
-- Such a node also sets its drain flag again when it was draining (the flag was lost with the rest).
-- KEYS: 1 this node's hash, 2 the live nodes (sorted set), 3 this node's homes (set), 4 its drain flag,
--       5 the settling flag
-- ARGV: 1 node id, 2 lease (ms), 3 key prefix of leases, 4 URL, 5 media addresses, 6 live meetings,
--       7 participants, 8 media packets/s, 9 whether this node beat before ('1' or '0'), 10 why it drains
--       ('' when it does not: 'admin' or 'stopping'), 11 how many meetings to renew; then those meetings,
--       then the meetings to release
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id, lease, leasePrefix = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local renewCount = tonumber(ARGV[11])
local first = 12

if ARGV[9] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[5], id, 'PX', lease)
  if ARGV[10] ~= '' then
    redis.call('SET', KEYS[4], ARGV[10], 'NX')
  end
end
local draining = redis.call('EXISTS', KEYS[4]) == 1 and '1' or '0'

redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'url', ARGV[4], 'media', ARGV[5], 'meetings', ARGV[6], 'participants', ARGV[7],
  'packetsPerSecond', ARGV[8], 'heartbeat', now, 'draining', draining)
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('ZADD', KEYS[2], now + lease, id)
-- nodes gone for a day are forgotten by whoever beats next
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 86400000)

redis.call('DEL', KEYS[3])
local lost = {draining}
for i = first, first - 1 + renewCount do
  local m = ARGV[i]
  local holder = redis.call('GET', leasePrefix .. m)
  if holder == id then
    redis.call('PEXPIRE', leasePrefix .. m, lease)
    redis.call('SADD', KEYS[3], m)
  elseif not holder then
    redis.call('SET', leasePrefix .. m, id, 'PX', lease, 'NX')
    redis.call('SADD', KEYS[3], m)
  else
    table.insert(lost, m)
  end
end
for i = first + renewCount, #ARGV do
  if redis.call('GET', leasePrefix .. ARGV[i]) == id then
    redis.call('DEL', leasePrefix .. ARGV[i])
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('PEXPIRE', KEYS[3], lease)
end
return lost
