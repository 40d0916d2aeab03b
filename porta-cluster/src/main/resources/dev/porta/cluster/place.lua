-- Places a meeting on a home node, atomically for every node: the existing lease wins; otherwise the
-- least-loaded live node (fewest participants, then fewest meetings; the asking node on a tie) gets a
-- new lease (SET NX PX). A draining node (its drain flag set) gets no new meeting. A draining node asking
-- for a meeting that is not live on it hands its lease over (handOver = 1): the lease is dropped and the
-- meeting placed anew on another node. Time is Redis's own (TIME), the same clock that expires the leases.
-- While the settling flag is set (heartbeat.lua: Redis lost its data a moment ago) no new lease is given:
-- the meeting may be live on a node that has not taken its lease back yet.
-- KEYS: 1 the meeting's lease, 2 the live nodes (sorted set: node id by expiry, ms), 3 the settling flag
-- ARGV: 1 asking node, 2 lease (ms), 3 key prefix of node hashes, 4 key prefix of homes sets, 5 meeting id,
--       6 key prefix of drain flags, 7 handOver ('1' or '0')
-- Returns {home node, its URL or false}, {'', 'settling'} while settling, or false when no node is live.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nodePrefix, drainPrefix = ARGV[3], ARGV[6]

local home = redis.call('GET', KEYS[1])
if home and ARGV[7] == '1' and home == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', ARGV[4] .. home, ARGV[5])
  home = nil
end
if home then
  local url = redis.call('HGET', nodePrefix .. home, 'url')
  return {home, url}
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  return {'', 'settling'}
end

local best, bestParticipants, bestMeetings = nil, nil, nil
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], now, '+inf')) do
  local load = redis.call('HMGET', nodePrefix .. id, 'participants', 'meetings')
  if load[1] and load[2] and redis.call('EXISTS', drainPrefix .. id) == 0 then
    local p, m = tonumber(load[1]), tonumber(load[2])
    if best == nil or p < bestParticipants or (p == bestParticipants and m < bestMeetings)
        or (p == bestParticipants and m == bestMeetings and id == ARGV[1]) then
      best, bestParticipants, bestMeetings = id, p, m
    end
  end
end
if best == nil then
  return false
end
redis.call('SET', KEYS[1], best, 'PX', ARGV[2], 'NX')
-- counted at once, so a burst of first joins before the next heartbeat spreads over the nodes
redis.call('HINCRBY', nodePrefix .. best, 'meetings', 1)
redis.call('SADD', ARGV[4] .. best, ARGV[5])
return {best, redis.call('HGET', nodePrefix .. best, 'url')}
