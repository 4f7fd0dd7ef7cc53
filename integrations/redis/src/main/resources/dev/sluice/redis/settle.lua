-- Turns a reservation into spend, once. A retried settle finds nothing left and changes nothing;
-- a settle after the lease expired (its reservation already given back) still counts its spend.
-- KEYS: per line: the account hash, its leases, its lease amounts, its expired leases.
-- ARGV: the reservation id, then per line the actual amount.
local id = ARGV[1]
local n = #KEYS / 4
local actual = {}
local order = {}
for i = 1, n do
  local account = KEYS[(i - 1) * 4 + 1]
  if actual[account] == nil then
    actual[account] = 0
    order[#order + 1] = i
  end
  actual[account] = actual[account] + math.max(0, tonumber(ARGV[1 + i]))
end
local applied = 0
for _, i in ipairs(order) do
  local base = (i - 1) * 4
  local account, leases, amounts, expired = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], KEYS[base + 4]
  local amount = redis.call('HGET', amounts, id)
  if amount then
    redis.call('HINCRBY', account, 'reserved', -tonumber(amount))
    redis.call('HINCRBY', account, 'spent', actual[account])
    redis.call('HDEL', amounts, id)
    redis.call('ZREM', leases, id)
    applied = applied + 1
  elseif redis.call('HDEL', expired, id) == 1 then
    redis.call('HINCRBY', account, 'spent', actual[account])
    applied = applied + 1
  end
end
return applied
