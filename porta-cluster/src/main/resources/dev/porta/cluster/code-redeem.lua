-- Redeems an authorization code once: GETDEL takes it out for whichever node asks first; the caps'
-- sets forget it at the same time. KEYS: 1 the code, 2 all codes. ARGV: 1 the code.
-- Returns the value, or nil when the code is unknown, expired or already redeemed.
local value = redis.call('GETDEL', KEYS[1])
if not value then
  return nil
end
local clientKey = string.sub(value, 1, string.find(value, '\n', 1, true) - 1)
redis.call('ZREM', clientKey, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return value
