import { describe, expect, it } from 'vitest';
import { NODE_NAME_ENV as MANIFEST_NODE_NAME_ENV } from '../../../src/fleet/kubernetes.js';
import { NODE_NAME_ENV } from '../../../src/checks/facts.js';

describe('the node name variable', () => {
  // the fleet manifest sets it in every pod and `check` names the node by it: both must agree
  it('is the one check reads', () => {
    expect(MANIFEST_NODE_NAME_ENV).toBe(NODE_NAME_ENV);
    expect(NODE_NAME_ENV).toBe('MIRROR_DOCTOR_NODE_NAME');
  });
});
