-- Items by plan are found through action_item_plan_title_idx, whose first
-- column is the plan: a second index on the plan alone cost every added
-- item one more index entry, on a page of its own, and answered nothing
-- the other does not.
drop index action_item_plan_idx;
