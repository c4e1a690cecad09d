import { createConditionExports } from '@backstage/plugin-permission-node';
import {
  clusterPermissionResourceRef,
  workspacePermissionResourceRef,
} from './resourceRefs';
import { clusterPermissionRules, workspacePermissionRules } from './rules';

const workspaceExports = createConditionExports({
  resourceRef: workspacePermissionResourceRef,
  rules: workspacePermissionRules,
});

/** Conditions a permission policy can return for workspace permissions. */
export const workspaceConditions = workspaceExports.conditions;
export const createWorkspaceConditionalDecision =
  workspaceExports.createConditionalDecision;

const clusterExports = createConditionExports({
  resourceRef: clusterPermissionResourceRef,
  rules: clusterPermissionRules,
});

/** Conditions a permission policy can return for cluster permissions. */
export const clusterConditions = clusterExports.conditions;
export const createClusterConditionalDecision =
  clusterExports.createConditionalDecision;
