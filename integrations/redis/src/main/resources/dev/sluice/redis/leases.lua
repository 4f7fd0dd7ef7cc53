-- Shared by the scripts that read an account (prepended to each when loaded).
-- Leases past their expiry give their reservation back (a pod that died mid-call); the id is kept
-- as expired, so that a settle arriving late still counts its spend, once.
local function purge(now, account, leases, amounts, expired)
  local stale = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  for _, id in ipairs(stale) do
    local amount = tonumber(redis.call('HGET', amounts, id) or '0')
    redis.call('HINCRBY', account, 'reserved', -amount)
    redis.call('HDEL', amounts, id)
    redis.call('HSET', expired, id, '1')
  end
  if #stale > 0 then
    redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  end
end
