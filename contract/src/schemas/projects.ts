import { type Static, Type } from '@sinclair/typebox';
import { NullableString, Time } from './common.js';
import { InferenceUsageByKeySchema, InferenceUsageByProviderSchema } from './inference.js';

export const ProjectSchema = Type.Object(
  { id: Type.String(), name: Type.String(), created_at: Time },
  { $id: 'Project' },
);
export type Project = Static<typeof ProjectSchema>;

export const CreateProjectBody = Type.Object(
  { name: Type.String({ maxLength: 1000 }) },
  { additionalProperties: false, $id: 'CreateProjectRequest' },
);
export type CreateProjectBody = Static<typeof CreateProjectBody>;

export const DeploymentSchema = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    environment: Type.String(),
    ref: NullableString(),
    status: Type.String(),
    created_at: Time,
  },
  { $id: 'Deployment' },
);
export type Deployment = Static<typeof DeploymentSchema>;

export const CreateDeploymentBody = Type.Object(
  {
    environment: Type.Optional(Type.String({ maxLength: 1000, description: 'Default `production`.' })),
    ref: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, $id: 'CreateDeploymentRequest' },
);
export type CreateDeploymentBody = Static<typeof CreateDeploymentBody>;

const Counts = Type.Object({ projects: Type.Integer(), deployments: Type.Integer() });

export const BillingSchema = Type.Object(
  {
    plan: Type.Literal('free'),
    usage: Counts,
    limits: Counts,
    inference: Type.Object(
      {
        by_provider: Type.Array(InferenceUsageByProviderSchema),
        by_api_key: Type.Array(InferenceUsageByKeySchema),
      },
      {
        description:
          'Model inference through the gateway: requests and tokens, per provider and per credential.',
      },
    ),
  },
  { $id: 'Billing' },
);
export type Billing = Static<typeof BillingSchema>;
