-- An account's spent and reserved, after giving back the reservations of expired leases.
-- KEYS: the account hash, its leases, its lease amounts, its expired leases. ARGV: now (ms).
local now = tonumber(ARGV[1])
purge(now, KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return {tonumber(redis.call('HGET', KEYS[1], 'spent') or '0'), tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')}
