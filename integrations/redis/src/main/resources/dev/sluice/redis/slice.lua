-- Takes a slice of one account for a pod in leased mode: as much as it wants if there is room, else
-- what is left if that covers what it needs now, else nothing. A slice is a reservation like any
-- other (a lease, given back by its settle or by expiry).
-- KEYS: the reservation counter, the account hash, its leases, its lease amounts, its expired leases.
-- ARGV: now (ms), lease (ms), want, need, limit, the account's end (ms).
-- Returns {1, id, granted, usedAfter} or {0, spent, reserved}.
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local want, need, limit, ends = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local account, leases, amounts, expired = KEYS[2], KEYS[3], KEYS[4], KEYS[5]
purge(now, account, leases, amounts, expired)
local spent = tonumber(redis.call('HGET', account, 'spent') or '0')
local reserved = tonumber(redis.call('HGET', account, 'reserved') or '0')
local room = limit - spent - reserved
if room < need then
  return {0, spent, reserved}
end
local granted = math.min(want, room)
local id = redis.call('INCR', KEYS[1])
redis.call('HINCRBY', account, 'reserved', granted)
redis.call('HINCRBY', amounts, id, granted)
redis.call('ZADD', leases, now + lease, id)
local ttl = math.max(ends - now, 0) + 86400000
for _, key in ipairs({account, leases, amounts, expired}) do
  redis.call('PEXPIRE', key, ttl)
end
return {1, id, granted, spent + reserved + granted}
