-- Token buckets shared by every node: RateLimiter's semantics, atomic over all keys (Redis runs a
-- script alone). One hash per key: t = tokens (a fraction), ts = last refill, microseconds.
-- ARGV: burst, tokens refilled per microsecond, now (microseconds), key lifetime (ms), operation:
--   take   -> 1 and one token taken from every key, or 0 and nothing taken when any key has < 1
--   refund -> one token given back to every key, never above the burst
--   wait   -> microseconds until the (single) key holds a whole token; 0 when it does now
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local op = ARGV[5]

local tokens, stamps = {}, {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 't', 'ts')
  local t, ts = tonumber(v[1]), tonumber(v[2])
  if t == nil or ts == nil then
    t, ts = burst, now
  end
  -- a node whose clock is behind the last writer's never refills backwards
  if now > ts then
    t = math.min(burst, t + (now - ts) * rate)
    ts = now
  end
  tokens[i], stamps[i] = t, ts
end

if op == 'wait' then
  if tokens[1] >= 1 then return 0 end
  return math.ceil((1 - tokens[1]) / rate)
elseif op == 'take' then
  for i = 1, #KEYS do
    if tokens[i] < 1 then return 0 end
  end
  for i = 1, #KEYS do tokens[i] = tokens[i] - 1 end
elseif op == 'refund' then
  for i = 1, #KEYS do tokens[i] = math.min(burst, tokens[i] + 1) end
else
  return redis.error_reply('unknown operation ' .. tostring(op))
end

for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 't', string.format('%.17g', tokens[i]), 'ts', string.format('%d', stamps[i]))
  -- an untouched bucket is full again after one period: forgetting it then changes nothing
  redis.call('PEXPIRE', key, ttl)
end
return 1
