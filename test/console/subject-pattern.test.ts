import { describe, expect, it } from 'vitest';
import { parseSubjectPattern } from '../../src/core/workloads/workload-rules.js';
import { subjectMeaning, subjectParts, subjectProblem } from '../../web/src/workloads/subject-pattern.js';

describe('the subject pattern of a workload, as the console checks it', () => {
  it.each([
    'repo:acme/api:ref:refs/heads/main',
    'repo:acme/api:ref:refs/heads/*',
    'repo:acme/*:environment:production',
    '*',
    'project_path:acme/api:ref_type:branch:ref:*',
  ])('accepts %s: * only as a whole segment', (subject) => {
    expect(subjectProblem(subject)).toBeNull();
  });

  it.each([
    ['repo:acme/api:ref:refs/heads/feature-*', 'feature-*'],
    ['repo:acme/api*:ref:refs/heads/main', 'api*'],
    ['repo:**', '**'],
  ])('refuses %s, naming the segment %s', (subject, segment) => {
    expect(subjectProblem(subject)).toContain(`“${segment}”`);
  });

  it('splits a pattern into literal text and wildcard segments', () => {
    expect(subjectParts('repo:acme/*:ref:refs/heads/*')).toEqual([
      { kind: 'text', text: 'repo:acme/' },
      { kind: 'any' },
      { kind: 'text', text: ':ref:refs/heads/' },
      { kind: 'any' },
    ]);
  });

  it.each([
    ['repo:acme/api:ref:refs/heads/*', 'Jobs running for any branch of acme/api whose name has no “/”.'],
    ['repo:acme/api:ref:refs/heads/main', 'Jobs running for the branch main of acme/api.'],
    ['repo:acme/api:ref:refs/tags/*', 'Jobs running for any tag of acme/api whose name has no “/”.'],
    ['repo:acme/*:environment:production', 'Jobs of any repository of acme in the environment production.'],
    ['repo:acme/api:pull_request', 'Pull-request jobs of acme/api.'],
    ['project_path:acme/api:ref_type:branch:ref:main', 'Jobs running for the branch main of acme/api.'],
  ])('says in words what %s accepts', (subject, words) => {
    expect(subjectMeaning(subject).summary).toBe(words);
  });

  it('counts the wildcards of a subject it cannot put in words', () => {
    expect(subjectMeaning('team:*:job:*')).toEqual({ summary: undefined, wildcards: 2 });
  });

  it.each([
    'repo:acme/api:ref:refs/heads/*',
    'repo:acme/api:ref:refs/heads/feature-*',
    'a/*/b:*',
    '*x',
    'x*:y',
    'repo:acme/api',
  ])('agrees with the server on %s', (subject) => {
    const isAccepted = (() => {
      try {
        parseSubjectPattern(subject);
        return true;
      } catch {
        return false;
      }
    })();
    expect(subjectProblem(subject) === null).toBe(isAccepted);
  });
});
