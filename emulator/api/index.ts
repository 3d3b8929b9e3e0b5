import { DescribeCapacityProviders } from './capacity-providers.js';
import { CreateCluster, DescribeClusters, ListClusters } from './clusters.js';
import {
  DeregisterContainerInstance,
  DescribeContainerInstances,
  ListContainerInstances,
  PutAttributes,
  RegisterContainerInstance,
  UpdateContainerInstancesState,
} from './container-instances.js';
import type { Operation } from './operation.js';
import { RunTask } from './run-task.js';
import { StartTask } from './start-task.js';
import { StopTask } from './stop-task.js';
import { DeregisterTaskDefinition, DescribeTaskDefinition, RegisterTaskDefinition } from './task-definitions.js';
import { DescribeTasks, ListTasks } from './tasks.js';

/** The ECS operations the emulator answers, by the name in `X-Amz-Target`. */
export const operations: Readonly<Record<string, Operation>> = {
  CreateCluster,
  DescribeClusters,
  ListClusters,
  RegisterContainerInstance,
  DeregisterContainerInstance,
  UpdateContainerInstancesState,
  PutAttributes,
  ListContainerInstances,
  DescribeContainerInstances,
  RegisterTaskDefinition,
  DescribeTaskDefinition,
  DeregisterTaskDefinition,
  ListTasks,
  DescribeTasks,
  StartTask,
  RunTask,
  StopTask,
  DescribeCapacityProviders,
};
