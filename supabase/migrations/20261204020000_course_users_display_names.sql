-- user_registered carries displayName from today on; accounts registered before it reached
-- course-service's directory without one. Filled once from auth-service's accounts, so rosters of
-- existing districts show names too (a name already known is kept). Runs as the migrations' owner.
update course.users cu
set display_name = left(iu.display_name, 200), updated_at = now()
from identity.users iu
where iu.id = cu.user_id and iu.tenant_id = cu.tenant_id and cu.display_name is null;
